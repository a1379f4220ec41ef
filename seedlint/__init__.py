"""seedlint: lint and fix YAML front matter of news-article documents."""

__version__ = "0.3.1"
