//! Entry point: mounts the app on `<body>`.

fn main() {
    yew::Renderer::<omr_web::App>::new().render();
}
