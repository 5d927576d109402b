"""Draw the sample show's square artwork (1400 x 1400 px, RGB JPEG) with Pillow.

Run once to change the committed ``artwork.jpg``: ``python tools/make_artwork.py``.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

SIZE = 1400
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def main() -> None:
    image = Image.new("RGB", (SIZE, SIZE), (11, 95, 122))
    draw = ImageDraw.Draw(image)
    draw.ellipse((250, 180, 1150, 1080), fill=(18, 120, 150))
    for index in range(9):  # a gently curved column of vertebrae
        width = 230 + index * 14
        centre_x = 700 + int(40 * ((index - 4) / 4) ** 2) - 20
        top = 240 + index * 88
        draw.rounded_rectangle(
            (centre_x - width // 2, top, centre_x + width // 2, top + 64),
            radius=28,
            fill=(244, 239, 226),
        )
    bold = ImageFont.truetype(str(FONT_DIR / "DejaVuSans-Bold.ttf"), 150)
    regular = ImageFont.truetype(str(FONT_DIR / "DejaVuSans.ttf"), 64)
    draw.text((SIZE // 2, 1130), "Back to Basics", font=bold, fill="white", anchor="mm")
    draw.text(
        (SIZE // 2, 1260), "the weekly back pain podcast", font=regular, fill="white", anchor="mm"
    )
    image.save("artwork.jpg", "JPEG", quality=82, optimize=True)


if __name__ == "__main__":
    main()
