//! Edition-2015 code that rustc accepts and syn alone does not: bare `Fn(..) + Send` trait
//! objects. The file is still read, so its untimed connect is still found.

use std::net::TcpStream;

type OnLine = Fn(&str) + Send + Sync;

pub struct Tail {
    handlers: Vec<Box<Fn(&str) + Send>>,
}

pub fn follow(addr: &str, handler: &OnLine) -> std::io::Result<()> {
    let stream = TcpStream::connect(addr)?; // expect: RES101
    drop(stream);
    handler("connected");
    Ok(())
}

pub fn bounded(addr: std::net::SocketAddr, handler: &mut FnMut(&str)) -> std::io::Result<()> {
    let stream = TcpStream::connect_timeout(&addr, std::time::Duration::from_secs(2))?; // ok: RES101
    drop(stream);
    handler("connected");
    Ok(())
}
