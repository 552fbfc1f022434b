import { Client } from 'sluice/client';

const client = new Client(); // SLUICE_HOME or ./.sluice
const run = await (await client.flow('ChurnDemo')).latestSuccessfulRun();
const { summary } = (await run!.data()) as { summary: { bestAuc: number } };
console.log(`${run!.flow}/${run!.id}: best AUC ${summary.bestAuc}`);
for await (const task of run!.tasks({ step: 'train' })) console.log(task.pathspec, await task.artifact('result'));
await client.close();
