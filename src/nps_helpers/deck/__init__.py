"""The leadership deck: number formats, escaped HTML blocks, charts, slides, story,
rendering, PDF."""
