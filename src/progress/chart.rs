//! The stats chart as PNG bytes, drawn in-process: one panel per area (up to eight) with the
//! self rating, the peers' median and the coverage over time, on a 0-100% scale (ratings 1-4
//! map to 0-100%). Text uses the font shipped in `assets/fonts/` (Cantarell, SIL OFL 1.1), so
//! nothing depends on the host's fonts.

use chrono::{TimeZone, Utc};

use super::stats::{Point, Stats};
use crate::interview::Millis;

pub const WIDTH: u32 = 960;
pub const HEIGHT: u32 = 720;

const FONT: &[u8] = include_bytes!("../../assets/fonts/Cantarell-Regular.otf");

type Rgb = [u8; 3];
const BACKGROUND: Rgb = [255, 255, 255];
const PANEL: Rgb = [246, 247, 250];
const GRID: Rgb = [220, 223, 230];
const INK: Rgb = [40, 44, 52];
const MUTED: Rgb = [110, 116, 128];
pub const SELF: Rgb = [88, 101, 242];
pub const PEERS: Rgb = [230, 126, 34];
pub const COVERAGE: Rgb = [46, 160, 67];

struct Canvas {
    w: i32,
    h: i32,
    px: Vec<u8>,
    font: Option<fontdue::Font>,
}

impl Canvas {
    fn new(w: u32, h: u32) -> Canvas {
        let font = fontdue::Font::from_bytes(FONT, fontdue::FontSettings::default()).ok();
        let mut c = Canvas {
            w: w as i32,
            h: h as i32,
            px: vec![0; (w * h * 3) as usize],
            font,
        };
        c.rect(0, 0, c.w, c.h, BACKGROUND);
        c
    }

    fn blend(&mut self, x: i32, y: i32, color: Rgb, alpha: f32) {
        if x < 0 || y < 0 || x >= self.w || y >= self.h {
            return;
        }
        let i = ((y * self.w + x) * 3) as usize;
        for (k, &c) in color.iter().enumerate() {
            let old = self.px[i + k] as f32;
            self.px[i + k] = (old + (c as f32 - old) * alpha.clamp(0.0, 1.0)).round() as u8;
        }
    }

    fn rect(&mut self, x: i32, y: i32, w: i32, h: i32, color: Rgb) {
        for yy in y.max(0)..(y + h).min(self.h) {
            for xx in x.max(0)..(x + w).min(self.w) {
                self.blend(xx, yy, color, 1.0);
            }
        }
    }

    /// A line `thick` pixels wide, stamped along its length.
    fn line(&mut self, (x0, y0): (f32, f32), (x1, y1): (f32, f32), color: Rgb, thick: i32) {
        let steps = ((x1 - x0).abs().max((y1 - y0).abs()) * 2.0).ceil().max(1.0) as i32;
        for s in 0..=steps {
            let t = s as f32 / steps as f32;
            let (x, y) = (x0 + (x1 - x0) * t, y0 + (y1 - y0) * t);
            let r = thick / 2;
            self.rect(x.round() as i32 - r, y.round() as i32 - r, thick, thick, color);
        }
    }

    /// Text with its baseline at `y`; returns its width.
    fn text(&mut self, x: i32, y: i32, s: &str, size: f32, color: Rgb) -> i32 {
        let Some(font) = self.font.take() else { return 0 };
        let mut pen = x as f32;
        for ch in s.chars() {
            let (m, bitmap) = font.rasterize(ch, size);
            let left = pen.round() as i32 + m.xmin;
            let top = y - m.height as i32 - m.ymin;
            for row in 0..m.height {
                for col in 0..m.width {
                    let a = bitmap[row * m.width + col];
                    if a > 0 {
                        self.blend(left + col as i32, top + row as i32, color, a as f32 / 255.0);
                    }
                }
            }
            pen += m.advance_width;
        }
        self.font = Some(font);
        (pen - x as f32).round() as i32
    }

    fn png(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, self.w as u32, self.h as u32);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        // Writing into a Vec cannot fail; an encoder error would leave an empty image.
        if let Ok(mut w) = enc.write_header() {
            let _ = w.write_image_data(&self.px);
        }
        out
    }
}

fn date(ms: Millis) -> String {
    Utc.timestamp_millis_opt(ms)
        .single()
        .map_or_else(String::new, |t| t.format("%Y-%m-%d").to_string())
}

/// The chart of `stats`; `title` heads it and `name` turns an area id into its name.
pub fn render(stats: &Stats, title: &str, name: &dyn Fn(&str) -> String) -> Vec<u8> {
    let mut c = Canvas::new(WIDTH, HEIGHT);
    c.text(20, 32, title, 22.0, INK);
    let mut x = 560;
    for (label, color) in [("self", SELF), ("peers (median)", PEERS), ("coverage", COVERAGE)] {
        c.rect(x, 20, 14, 14, color);
        x += 20 + c.text(x + 20, 32, label, 15.0, INK) + 18;
    }
    let all: Vec<Millis> = stats.areas.iter().flat_map(|a| a.points.iter().map(|p| p.at)).collect();
    let (t0, t1) = (all.iter().copied().min().unwrap_or(0), all.iter().copied().max().unwrap_or(0));
    if stats.areas.is_empty() {
        c.text(20, 80, "No answered questions yet.", 16.0, MUTED);
    }
    for (i, area) in stats.areas.iter().take(8).enumerate() {
        let (x0, y0) = (20 + (i as i32 % 2) * 470, 56 + (i as i32 / 2) * 164);
        panel(&mut c, (x0, y0, 450, 152), &name(&area.area), &area.points, (t0, t1));
    }
    c.png()
}

fn panel(c: &mut Canvas, (x0, y0, w, h): (i32, i32, i32, i32), title: &str, points: &[Point], (t0, t1): (Millis, Millis)) {
    c.rect(x0, y0, w, h, PANEL);
    c.text(x0 + 10, y0 + 20, title, 16.0, INK);
    let (left, right, top, bottom) = (x0 + 40, x0 + w - 16, y0 + 30, y0 + h - 24);
    for (frac, label) in [(0.0, "0%"), (0.5, "50%"), (1.0, "100%")] {
        let y = bottom - ((bottom - top) as f32 * frac) as i32;
        c.rect(left, y, right - left, 1, GRID);
        c.text(x0 + 6, y + 4, label, 11.0, MUTED);
    }
    c.text(left, y0 + h - 6, &date(t0), 11.0, MUTED);
    if t1 > t0 {
        c.text(right - 62, y0 + h - 6, &date(t1), 11.0, MUTED);
    }
    let x_of = |at: Millis| {
        if t1 > t0 {
            left as f32 + (right - left) as f32 * (at - t0) as f32 / (t1 - t0) as f32
        } else {
            (left + right) as f32 / 2.0
        }
    };
    let y_of = |v: f64| bottom as f32 - (bottom - top) as f32 * v.clamp(0.0, 1.0) as f32;
    let rating = |r: f64| (r - 1.0) / 3.0;
    let series: [(Rgb, Vec<Option<f64>>); 3] = [
        (COVERAGE, points.iter().map(|p| Some(p.coverage)).collect()),
        (PEERS, points.iter().map(|p| p.peer_median.map(rating)).collect()),
        (SELF, points.iter().map(|p| p.self_rating.map(rating)).collect()),
    ];
    for (color, values) in series {
        let placed: Vec<(f32, f32)> = points
            .iter()
            .zip(values)
            .filter_map(|(p, v)| Some((x_of(p.at), y_of(v?))))
            .collect();
        for pair in placed.windows(2) {
            c.line(pair[0], pair[1], color, 2);
        }
        for (x, y) in placed {
            c.rect(x.round() as i32 - 3, y.round() as i32 - 3, 7, 7, color);
        }
    }
}
