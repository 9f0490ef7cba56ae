"""VAB-Mobile (AndroidLab): phone apps operated by tapping, typing and swiping."""
