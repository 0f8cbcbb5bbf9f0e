"""The Prompt Lab: prompt matrices expanded into cells, run in parallel, judged and kept."""
