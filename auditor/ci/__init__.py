"""The steps of the GitHub Action (``python -m auditor.ci``): the history branch, running
the report, step outputs and the job summary. See docs/github-action.md."""
