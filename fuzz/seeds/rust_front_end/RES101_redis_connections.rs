//! A session store on redis-rs.

use std::time::Duration;

use redis::Commands;

pub struct SessionStore {
    client: redis::Client,
    ttl_secs: u64,
}

impl SessionStore {
    pub fn open(url: &str) -> redis::RedisResult<Self> {
        Ok(SessionStore {
            client: redis::Client::open(url)?, // ok: RES101
            ttl_secs: 3600,
        })
    }

    pub fn load(&self, id: &str) -> redis::RedisResult<Option<String>> {
        let mut conn = self.client.get_connection()?; // expect: RES101
        conn.get(id)
    }

    pub fn save(&self, id: &str, data: &str) -> redis::RedisResult<()> {
        let mut conn = self // ok: RES101
            .client
            .get_connection_with_timeout(Duration::from_secs(2))?;
        conn.set_ex(id, data, self.ttl_secs)
    }

    pub async fn touch(&self, id: &str) -> redis::RedisResult<()> {
        let mut conn = self.client.get_multiplexed_async_connection().await?; // expect: RES101
        redis::cmd("EXPIRE").arg(id).arg(self.ttl_secs).query_async(&mut conn).await
    }
}

pub fn ping(url: &str) -> redis::RedisResult<()> {
    let client = redis::Client::open(url)?;
    let mut conn = client.get_connection()?; // expect: RES101
    redis::cmd("PING").query(&mut conn)
}

pub fn ping_bounded(url: &str) -> redis::RedisResult<()> {
    let client = redis::Client::open(url)?;
    let mut conn = client.get_connection_with_timeout(Duration::from_millis(1500))?; // ok: RES101
    redis::cmd("PING").query(&mut conn)
}

pub fn from_param(client: &redis::Client) -> redis::RedisResult<redis::Connection> {
    client.get_connection() // expect: RES101
}

pub async fn under_deadline(client: &redis::Client) -> redis::RedisResult<()> {
    let conn = tokio::time::timeout( // ok: RES101
        Duration::from_secs(2),
        client.get_multiplexed_async_connection(),
    )
    .await;
    drop(conn);
    Ok(())
}

/// Not a redis client: a local type with a method of the same name.
pub struct Pool;

impl Pool {
    pub fn get_connection(&self) -> Option<()> {
        None
    }
}

pub fn local_pool(pool: &Pool) -> Option<()> {
    pool.get_connection() // ok: RES101
}
