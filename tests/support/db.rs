//! Fresh, empty databases for tests: a SQLite file in a temporary directory, or a new database
//! on the machine's PostgreSQL (`PANELIST_TEST_POSTGRES` names another admin URL). PostgreSQL
//! missing is a failure, never a skip: `.ci/run` starts it.

/// A fresh database of one backend; the SQLite file goes with it.
pub struct Db {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

pub async fn sqlite() -> Db {
    let dir = tempfile::tempdir().unwrap();
    Db {
        url: format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display()),
        _dir: Some(dir),
    }
}

pub async fn postgres() -> Db {
    Db {
        url: fresh_postgres().await,
        _dir: None,
    }
}

/// A new, empty PostgreSQL database; its URL.
pub async fn fresh_postgres() -> String {
    use sqlx::Executor;
    let admin = std::env::var("PANELIST_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let pool = sqlx::PgPool::connect(&admin)
        .await
        .unwrap_or_else(|e| panic!("this needs PostgreSQL at {admin} ({e}); .ci/run starts it, or set PANELIST_TEST_POSTGRES"));
    let name = format!("panelist_test_{}", uuid::Uuid::new_v4().simple());
    pool.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create a test database");
    pool.close().await;
    match admin.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{name}"),
        None => panic!("PANELIST_TEST_POSTGRES must end in /DATABASE"),
    }
}

/// Runs each named scenario (an `async fn(Db)`) on both backends, as `NAME::sqlite` and
/// `NAME::postgres`.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name($crate::support::db::sqlite().await).await
            }
            #[tokio::test]
            async fn postgres() {
                super::$name($crate::support::db::postgres().await).await
            }
        }
    )*};
}
