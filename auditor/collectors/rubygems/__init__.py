"""Ruby: Gemfile.lock."""
