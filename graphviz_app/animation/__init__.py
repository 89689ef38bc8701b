"""An explain trace as an animated GIF or MP4 for slides: pulses, edge labels, node values and the caption of
each step, the camera on the active step as in presentation mode.

- `export.write_animation(graph, trace, "mlp.gif", AnimationOptions(first=0, last=10))` writes the file;
- `film.TraceFilm` draws the pictures (an offscreen scene, the explain camera's framing);
- `writers` turns pictures into a GIF (Pillow) or an MP4 (imageio-ffmpeg, the optional `video` extra);
- `cli` is `main.py render FILE --animate OUT.gif|OUT.mp4`, and window/export_animation.py File ▸ Export ▸
  Animation….

Nothing is imported here, so the command line can read its options without loading Qt.
"""
