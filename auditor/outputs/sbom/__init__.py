"""Software bills of materials: CycloneDX (JSON, XML) and SPDX 2.3 JSON."""
