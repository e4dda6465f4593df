//! What the window may do, pinned: the content security policy of the app a
//! user runs, and the capabilities its code is granted. The end-to-end build
//! relaxes only `script-src` (the MCP bridge injects its helpers as inline
//! scripts), and only through tauri.test.conf.json.

#[cfg(test)]
mod tests {
    use serde_json::Value;

    fn json(text: &str) -> Value {
        serde_json::from_str(text).expect("valid JSON")
    }

    #[test]
    fn the_shipped_window_runs_only_its_own_code() {
        let conf = json(include_str!("../tauri.conf.json"));
        let csp = &conf["app"]["security"]["csp"];
        assert_eq!(csp["default-src"], "'self'");
        // Scripts: the app's own files (and the hashes Tauri adds for its
        // inline bootstrap), never inline or eval'd text.
        assert_eq!(csp["script-src"], "'self'");
        assert_eq!(csp["object-src"], "'none'");
        assert_eq!(csp["frame-ancestors"], "'none'");
        assert_eq!(csp["connect-src"], "'self' ipc: http://ipc.localhost");
        assert_eq!(
            conf["app"]["security"]["dangerousDisableAssetCspModification"],
            serde_json::json!(["style-src"]),
            "Tauri hashes the inline scripts; only styles are left as they are"
        );
    }

    #[test]
    fn the_window_is_granted_only_what_its_code_calls() {
        let caps = json(include_str!("../capabilities/default.json"));
        assert_eq!(
            caps["permissions"],
            serde_json::json!([
                "core:event:allow-listen",
                "core:event:allow-unlisten",
                "core:path:allow-resolve-directory",
                "dialog:allow-open",
                "dialog:allow-save"
            ])
        );
        let test = json(include_str!("../tauri.test.conf.json"));
        assert_eq!(
            test["app"]["security"]["csp"],
            serde_json::json!({ "script-src": "'self' 'unsafe-inline' 'unsafe-eval'" }),
            "the e2e build relaxes scripts only, for the bridge"
        );
    }
}
