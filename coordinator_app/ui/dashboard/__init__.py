"""The Dashboard tab: the cohort's figures as bar charts, built the first time it is opened."""
