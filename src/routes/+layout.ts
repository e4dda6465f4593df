// A single-page app: Tauri serves the files, there is no server to render on.
export const ssr = false;
