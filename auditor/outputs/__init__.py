"""What auditor writes: one plug-in per output format (and SBOMs)."""
