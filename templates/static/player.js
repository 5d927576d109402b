// Chapter links seek the page's player instead of opening the audio file (which they do
// without JavaScript, through a media fragment).
document.addEventListener("click", (event) => {
  const link = event.target.closest("a.seek");
  const player = document.querySelector("audio");
  if (!link || !player) return;
  event.preventDefault();
  player.currentTime = Number(link.dataset.start);
  player.play().catch(() => {});
});
