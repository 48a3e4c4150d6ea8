"""The candidate's resume: uploads checked by content, parsed fields, earlier uploads kept."""
