"""Presentation helpers shared by the pages: language, number formats, widgets and chart styling."""
