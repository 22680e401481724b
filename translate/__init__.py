"""dragoman translation engine: languages, models, backends, segmentation, pipeline, QA."""
