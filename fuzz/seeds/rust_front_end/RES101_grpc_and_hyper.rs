//! A gateway that talks gRPC to its backends (tonic) and proxies HTTP through hyper.

use std::time::Duration;

use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tonic::transport::{Channel, Endpoint};

pub async fn orders_channel() -> Result<Channel, tonic::transport::Error> {
    Endpoint::from_static("http://orders:50051").connect().await // expect: RES101
}

pub async fn bounded_orders_channel() -> Result<Channel, tonic::transport::Error> {
    Endpoint::from_static("http://orders:50051") // ok: RES101
        .timeout(Duration::from_secs(5))
        .connect_timeout(Duration::from_secs(1))
        .connect()
        .await
}

pub fn lazy_channel(uri: String) -> Result<Channel, tonic::transport::Error> {
    Ok(Channel::from_shared(uri)?.connect_lazy()) // expect: RES101
}

/// Handed back unconnected: the caller picks the timeouts.
pub fn orders_endpoint() -> Endpoint {
    Endpoint::from_static("http://orders:50051").tcp_nodelay(true) // ok: RES101
}

pub fn proxy_client() -> Client<HttpConnector, String> {
    // hyper has no request timeout of its own.
    Client::builder(TokioExecutor::new()).build_http() // expect: RES101
}

pub fn proxy_client_with_connector() -> Client<HttpConnector, String> {
    let mut connector = HttpConnector::new();
    connector.set_connect_timeout(Some(Duration::from_secs(2)));
    Client::builder(TokioExecutor::new()) // expect: RES101
        .pool_idle_timeout(Duration::from_secs(30))
        .build(connector)
}

/// Unfinished builder: configured further by the caller.
pub fn proxy_builder() -> hyper_util::client::legacy::Builder {
    Client::builder(TokioExecutor::new()) // ok: RES101
}

pub fn legacy_hyper_client() -> hyper::Client<hyper::client::HttpConnector> {
    hyper::Client::new() // expect: RES101
}

pub fn tower_bounded() -> tower::timeout::Timeout<Client<HttpConnector, String>> {
    // The tower `Timeout` service puts a deadline on every request through the client.
    let client = Client::builder(TokioExecutor::new()).build_http(); // ok: RES101
    tower::timeout::Timeout::new(client, Duration::from_secs(10))
}
