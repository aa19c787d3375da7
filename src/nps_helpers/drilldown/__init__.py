"""The JupyterLab drill-down: pure selection logic and the ipywidgets app."""
