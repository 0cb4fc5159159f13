"""The code cell of tutorial 4 that makes its data set, shared with tests/nn/test_training.py.

The tutorial draws its own handwritten-looking digits, so it needs no data set
download and no data library: ten 7x5 glyphs, each copy slanted, broadened,
broken and shifted at random, then scanned down to 8x8 pixels with values 0-16.
A one-hidden-layer MLP reads about 93% of the test images correctly; a deep
sigmoid network cannot learn them at all (the tutorial's point).
"""

DIGITS_CODE = '''
import numpy as np

# Ten digits as 7x5 glyphs ("#" = ink); glyph d is the d-th column.
GLYPHS = """
.###. ..#.. .###. .###. ...#. ##### .###. ##### .###. .###.
#...# .##.. #...# #...# ..##. #.... #.... ....# #...# #...#
#..## ..#.. ....# ....# .#.#. ####. #.... ...#. #...# #...#
#.#.# ..#.. ...#. ..##. #..#. ....# ####. ..#.. .###. .####
##..# ..#.. ..#.. ....# ##### ....# #...# .#... #...# ....#
#...# ..#.. .#... #...# ...#. #...# #...# .#... #...# ...#.
.###. .###. ##### .###. ...#. .###. .###. .#... .###. .##..
"""
tokens = GLYPHS.split()  # 7 rows of 10 glyphs
rows = [tokens[10 * i : 10 * i + 10] for i in range(7)]
glyphs = np.array([[[c == "#" for c in row[d]] for row in rows] for d in range(10)], dtype=float)
rng = np.random.default_rng(0)


def handwrite(digit):
    """One 8x8 image of `digit`, as a hand and a coarse scanner might make it."""
    canvas = np.zeros((16, 16))
    canvas[1:15, 3:13] = np.kron(glyphs[digit], np.ones((2, 2)))  # the glyph at twice its size
    slant = rng.uniform(-0.4, 0.4)
    for r in range(16):  # lean the strokes
        canvas[r] = np.roll(canvas[r], round(slant * (8 - r)))
    if rng.random() < 0.5:  # a broader pen
        canvas = np.maximum(canvas, np.roll(canvas, 1, axis=1))
    canvas *= rng.random(canvas.shape) > 0.15  # gaps in the ink
    canvas = np.roll(canvas, (rng.integers(-1, 2), rng.integers(-2, 3)), axis=(0, 1))
    image = canvas.reshape(8, 2, 8, 2).mean(axis=(1, 3)) * rng.uniform(0.6, 1.0)
    image += rng.normal(0, 0.08, image.shape)  # sensor noise
    return np.clip(np.round(16 * image), 0, 16) + 0.0  # + 0.0: no -0.


labels = rng.permutation(np.arange(1800) % 10)
images = np.stack([handwrite(d).ravel() for d in labels])
X_train, X_test = images[:1440] / 16.0, images[1440:] / 16.0  # 20% kept aside to test on
y_train, y_test = labels[:1440], labels[1440:]
'''
