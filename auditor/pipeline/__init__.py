"""The jobs: collect, enrich, check, apply policy, plan fixes, write and save."""
