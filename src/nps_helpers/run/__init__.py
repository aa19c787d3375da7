"""Programs around the notebooks: the nps-wave command, the Papermill runner, the kernel."""
