// SPDX-License-Identifier: MIT
// The reference point for tests/bench/promo_bench.c: voucher-code-generator (npm),
// 1,000,000 codes of 8 alphanumeric characters (Math.random, dedup in the batch, no check
// character), best of three, wall and process CPU time.
//   npm install --prefix /tmp/vcg voucher-code-generator
//   NODE_PATH=/tmp/vcg/node_modules node tests/bench/promo_vcg.js [COUNT]
const vcg = require('voucher-code-generator');

const count = Number(process.argv[2] || 1000000);
let bestWall = Infinity, bestCpu = Infinity;
for (let run = 0; run < 3; run++) {
  const t0 = process.hrtime.bigint(), c0 = process.cpuUsage();
  const codes = vcg.generate({ length: 8, count, charset: vcg.charset('alphanumeric') });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0), cpu = (c.user + c.system) / 1e6;
  if (codes.length !== count) throw new Error('short batch');
  bestWall = Math.min(bestWall, wall);
  bestCpu = Math.min(bestCpu, cpu);
}
console.log(`voucher-code-generator ${count} codes: ${bestWall.toFixed(3)} s wall, ` +
            `${bestCpu.toFixed(3)} s CPU`);
