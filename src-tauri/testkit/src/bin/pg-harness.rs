//! Starts the throwaway PostgreSQL for end-to-end tests written in other
//! languages: prints `{"socketDir", "port", "binDir"}` as one JSON line, then
//! serves until its stdin closes (the server dies with this process).

use std::io::Read;
use tusk_testkit::PgServer;

fn main() {
    let pg = PgServer::shared();
    println!(
        "{{\"socketDir\":{:?},\"port\":{},\"binDir\":{:?}}}",
        pg.socket_dir().display().to_string(),
        pg.port(),
        pg.bin_dir().display().to_string()
    );
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
}
