//! `omr-standin`: runs the stand-in backend until interrupted.

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{}", omr_standin::config::USAGE);
        return;
    }
    let cfg = match omr_standin::config::Config::from_args(args) {
        Ok(cfg) => cfg,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    match omr_standin::start(cfg).await {
        Ok(running) => {
            // The dev and test commands read this line to learn the port.
            println!("omr-standin listening on http://{}", running.addr);
            for user in omr_standin::seed::DEMO_USERS {
                println!(
                    "  demo login: {} / {}{}",
                    user.username,
                    user.password,
                    if user.is_admin { " (admin)" } else { "" }
                );
            }
            running.wait().await;
        }
        Err(err) => {
            eprintln!("omr-standin could not start: {err}");
            std::process::exit(1);
        }
    }
}
