// The production build, written to .output/bench/ so the benchmark never swaps the build that end-to-end
// tests running at the same time use (.output/chrome-mv3).
import config from '../../wxt.config';

export default { ...config, outDir: '.output/bench' };
