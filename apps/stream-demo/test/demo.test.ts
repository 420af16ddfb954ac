// The streaming demo in headless Chromium: samples stream, both plot panels get drawn (counted
// from the canvas pixels), and a screenshot is written for a person to look at.
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium, serveStatic } from "@s4wasm/testkit";
import { describe, expect, it } from "vitest";

const dist = join(dirname(fileURLToPath(import.meta.url)), "../dist");

describe("stream demo page", () => {
  it("streams through the S4 block and plots input and output", async () => {
    const server = await serveStatic(dist);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 640 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(server.url);
      await page.waitForFunction(
        () => Number(document.body.dataset.samples ?? 0) >= 600 || document.body.dataset.error,
        undefined,
        {
          timeout: 30_000,
        },
      );
      expect(errors).toEqual([]);
      expect(await page.evaluate(() => document.body.dataset.error ?? null)).toBeNull();
      expect(await page.evaluate(() => document.body.dataset.backend)).toBe("wasm");
      // Count "ink" pixels (far from the panel background) in each half of the canvas.
      const ink = await page.evaluate(() => {
        const c = document.getElementById("plot") as HTMLCanvasElement;
        const d = (c.getContext("2d") as CanvasRenderingContext2D).getImageData(0, 0, c.width, c.height).data;
        const counts = [0, 0];
        for (let i = 0; i < d.length; i += 4) {
          const dark = 255 * 3 - (d[i] + d[i + 1] + d[i + 2]) > 200;
          if (dark) counts[i / 4 / c.width < c.height / 2 ? 0 : 1]++;
        }
        return counts;
      });
      expect(ink[0]).toBeGreaterThan(2000); // the input curve
      expect(ink[1]).toBeGreaterThan(2000); // the output curves
      const shot = join(mkdtempSync(join(tmpdir(), "s4wasm-demo-")), "demo.png");
      await page.screenshot({ path: shot });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
      console.log(`stream demo screenshot: ${shot}`);
    } finally {
      await browser.close();
      await server.close();
    }
  }, 60_000);
});
