"""The self-contained HTML report: the page (page), its parts (sections, markup), what it shows of saved
results (views), correcting in it (editing and the script in js_editor, js_tools, js_writers) and its
CSS/script (assets)."""
