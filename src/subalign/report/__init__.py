"""The self-contained HTML report: page building (page) and its CSS/JS (assets)."""
