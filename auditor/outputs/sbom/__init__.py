"""Software bills of materials: CycloneDX (JSON, XML) and SPDX 2.3 JSON."""

# The CycloneDX versions auditor writes (the first is the default); here rather than in
# cyclonedx.py so that the command line can offer them without loading the writer.
SPEC_VERSIONS = ("1.6", "1.5", "1.4")
DEFAULT_SPEC = "1.6"
