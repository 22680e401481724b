"""The term base: concepts, terms per language, matching, protection and checks. Imports nothing else of ours."""
