//! Socket, Redis, gRPC and ureq timeouts in the wrong unit, beside short durations that are
//! not network timeouts.

use std::time::Duration;

pub fn socket_ms(stream: &std::net::TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_millis(3))) // expect: RES105
}

pub fn socket_ok(stream: &std::net::TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_millis(250))) // ok: RES105
}

pub fn connect_ms(addr: std::net::SocketAddr) -> std::io::Result<std::net::TcpStream> {
    std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(1)) // expect: RES105
}

pub fn redis_secs_as_ms(client: &redis::Client) -> redis::RedisResult<redis::Connection> {
    client.get_connection_with_timeout(Duration::from_secs(20_000)) // expect: RES105
}

pub async fn grpc_ms() -> Result<tonic::transport::Channel, tonic::transport::Error> {
    tonic::transport::Endpoint::from_static("http://pricing:50051")
        .timeout(Duration::from_millis(8)) // expect: RES105
        .connect()
        .await
}

pub async fn short_deadline(rx: tokio::sync::oneshot::Receiver<u32>) -> Option<u32> {
    // A deadline around local work may be a few milliseconds.
    tokio::time::timeout(Duration::from_millis(5), rx).await.ok()?.ok() // ok: RES105
}

pub fn micro_sleep() {
    // A sleep is not a timeout.
    std::thread::sleep(Duration::from_millis(5)); // ok: RES105
}

pub fn ureq_ms() -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_millis(2))) // expect: RES105
        .build();
    config.into()
}

pub fn ureq_secs() -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(15))) // ok: RES105
        .build();
    config.into()
}
