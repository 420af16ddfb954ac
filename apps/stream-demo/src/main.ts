// Streaming demo: an S4D block (seeded official init) in step mode, one sample at a time, O(N) per
// step. The input is a chirp with noise bursts; the plot shows it (top) and the block's first
// output channels (bottom) as they stream. Everything runs in this page: open dist/index.html.
import { createS4Block } from "@s4wasm/layers";

const H = 4; // channels: the input drives channel 0, the others get scaled copies
const WINDOW = 600; // samples on screen
const PER_FRAME = 6; // samples per animation frame

const canvas = document.getElementById("plot") as HTMLCanvasElement;
const status = document.getElementById("status") as HTMLElement;
const ctx = canvas.getContext("2d") as CanvasRenderingContext2D;

function input(t: number): number {
  const chirp = Math.sin(0.002 * t * t * 0.05 + 0.05 * t);
  const burst = Math.floor(t / 150) % 3 === 1 ? 0.6 * Math.sin(1.7 * t) : 0;
  return chirp + burst;
}

function drawSeries(values: number[], top: number, height: number, color: string, scale: number): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  values.forEach((v, i) => {
    const x = (i / (WINDOW - 1)) * canvas.width;
    const y = top + height / 2 - (v / scale) * (height / 2 - 6);
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  });
  ctx.stroke();
}

function drawPanel(title: string, top: number, height: number): void {
  ctx.fillStyle = "#f7f7f9";
  ctx.fillRect(0, top, canvas.width, height);
  ctx.strokeStyle = "#d0d0d8";
  ctx.beginPath();
  ctx.moveTo(0, top + height / 2);
  ctx.lineTo(canvas.width, top + height / 2);
  ctx.stroke();
  ctx.fillStyle = "#333";
  ctx.font = "13px system-ui, sans-serif";
  ctx.fillText(title, 8, top + 16);
}

async function main(): Promise<void> {
  const block = await createS4Block({ dModel: H, dState: 64, mode: "diag", init: "diag-lin", seed: 1 });
  const stepper = block.stepper({ batch: 1 });
  const frameIn = block.kernels.backend === "wasm" ? new Float32Array(H) : new Float64Array(H);
  const frameOut = block.kernels.backend === "wasm" ? new Float32Array(H) : new Float64Array(H);
  const xs: number[] = [];
  const ys: number[][] = Array.from({ length: H }, () => []);
  let t = 0;
  const colors = ["#d62728", "#2ca02c", "#9467bd", "#ff7f0e"];
  const tick = () => {
    for (let i = 0; i < PER_FRAME; i++, t++) {
      const x = input(t);
      for (let h = 0; h < H; h++) frameIn[h] = x * (1 - 0.2 * h);
      stepper.step(frameIn, frameOut);
      xs.push(x);
      for (let h = 0; h < H; h++) ys[h].push(frameOut[h]);
      if (xs.length > WINDOW) {
        xs.shift();
        for (const y of ys) y.shift();
      }
    }
    const half = canvas.height / 2;
    drawPanel("input u(t): chirp + noise bursts", 0, half - 4);
    drawPanel(`S4D block output y(t), ${H} channels (step mode, ${block.kernels.backend})`, half + 4, half - 4);
    drawSeries(xs, 0, half - 4, "#1f77b4", 1.7);
    const scale = Math.max(1e-6, ...ys.flat().map(Math.abs));
    for (const [h, y] of ys.entries()) drawSeries(y, half + 4, half - 4, colors[h], scale);
    status.textContent = `${t} samples streamed on the ${block.kernels.backend} backend`;
    document.body.dataset.samples = String(t);
    document.body.dataset.backend = block.kernels.backend;
    requestAnimationFrame(tick);
  };
  tick();
}

main().catch((err: Error) => {
  status.textContent = `failed: ${err.message}`;
  document.body.dataset.error = err.message;
});
