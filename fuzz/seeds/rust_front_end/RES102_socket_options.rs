//! Socket timeouts set to `None` wait forever; `Some(..)` bounds them.

use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::time::Duration;

const READ_TIMEOUT: Duration = Duration::from_secs(10);

pub fn blocking_reader(addr: SocketAddr) -> std::io::Result<TcpStream> {
    let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
    stream.set_read_timeout(None)?; // expect: RES102
    stream.set_write_timeout(Some(Duration::from_secs(5)))?; // ok: RES102
    Ok(stream)
}

pub fn bounded_reader(addr: SocketAddr) -> std::io::Result<TcpStream> {
    let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
    stream.set_read_timeout(Some(READ_TIMEOUT))?; // ok: RES102
    Ok(stream)
}

pub fn forever_writer(stream: &TcpStream) -> std::io::Result<()> {
    stream.set_write_timeout(None) // expect: RES102
}

pub fn connect_forever(addr: SocketAddr) -> std::io::Result<TcpStream> {
    TcpStream::connect_timeout(&addr, Duration::MAX) // expect: RES102
}

pub struct Listener {
    socket: UdpSocket,
}

impl Listener {
    pub fn block_forever(&self) -> std::io::Result<()> {
        self.socket.set_read_timeout(None) // expect: RES102
    }

    pub fn bounded(&self, d: Option<Duration>) -> std::io::Result<()> {
        // Whatever the caller passes: not known to be off.
        self.socket.set_read_timeout(d) // ok: RES102
    }
}

pub fn redis_forever(client: &redis::Client) -> redis::RedisResult<redis::Connection> {
    client.get_connection_with_timeout(Duration::MAX) // expect: RES102
}

pub fn redis_bounded(client: &redis::Client) -> redis::RedisResult<redis::Connection> {
    client.get_connection_with_timeout(Duration::from_secs(1)) // ok: RES102
}

/// A local type whose `set_read_timeout(None)` means something else entirely.
pub struct Session {
    read_timeout: Option<Duration>,
}

impl Session {
    pub fn set_read_timeout(&mut self, t: Option<Duration>) {
        self.read_timeout = t;
    }
}

pub fn reset(session: &mut Session) {
    session.set_read_timeout(None); // ok: RES102
}

pub fn maybe_none() -> Option<Duration> {
    let no_timeout: Option<Duration> = None; // ok: RES102
    no_timeout
}
