"""Rust: Cargo.lock."""
