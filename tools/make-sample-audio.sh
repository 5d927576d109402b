#!/usr/bin/env bash
# Re-create the sample site's audio and the test fixtures (needs espeak-ng and ffmpeg).
# The results are committed; run this only to change them.
set -euo pipefail
cd "$(dirname "$0")/.."

speak() {  # speak SLUG TEXT: a short spoken MP3 for episodes/SLUG/
  local slug=$1 text=$2 wav
  wav=$(mktemp --suffix=.wav)
  espeak-ng -v en-gb -s 150 -w "$wav" "$text"
  ffmpeg -loglevel error -y -i "$wav" -ar 44100 -ac 1 -codec:a libmp3lame -b:a 64k \
    -map_metadata -1 -fflags +bitexact -flags:a +bitexact "episodes/$slug/$slug.mp3"
  rm -f "$wav"
}

speak just-a-muscle "Welcome to Back to Basics. This week: why just a muscle misleads."
speak unloading-and-healing "Back to Basics. This week: unloading, rest, and how tissues heal."
speak rehab-at-home "Back to Basics. This week: a gentle plan for rehabilitation at home."
speak sleep-and-back-pain "Back to Basics. Coming soon: sleep and back pain."

mkdir -p tests/data/audio
ffmpeg -loglevel error -y -f lavfi -i "sine=frequency=440:duration=1" -ar 44100 -ac 1 \
  -codec:a libmp3lame -b:a 32k -map_metadata -1 -fflags +bitexact tests/data/audio/tone.mp3
ffmpeg -loglevel error -y -f lavfi -i "sine=frequency=440:duration=2" -ar 44100 -ac 2 \
  -codec:a aac -b:a 48k -map_metadata -1 -fflags +bitexact tests/data/audio/tone.m4a
: > tests/data/audio/empty.mp3
head -c 200 tests/data/audio/tone.mp3 > tests/data/audio/truncated.mp3
printf 'This is a text file, not audio.\n' > tests/data/audio/not-audio.mp3
# A VBR MP3 without a Xing header: players guess its duration wrong (check warns).
ffmpeg -loglevel error -y -f lavfi -i "sine=frequency=300:duration=2" -ar 44100 -ac 1 \
  -codec:a libmp3lame -q:a 5 -write_xing 0 -map_metadata -1 -fflags +bitexact tests/data/audio/no-xing.mp3
# 22.05 kHz: a sample rate podcast apps handle badly (check warns).
ffmpeg -loglevel error -y -f lavfi -i "sine=frequency=440:duration=1" -ar 22050 -ac 1 \
  -codec:a libmp3lame -b:a 64k -map_metadata -1 -fflags +bitexact tests/data/audio/tone-22khz.mp3
