// The LR finder with the Learner, on MNIST_SAMPLE (about a minute on WASM).
import { writeFileSync } from 'node:fs';
import { setupBackend } from '@onecycle/backends';
import { accuracy, Learner } from '@onecycle/learner';
import { simpleCnn } from '@onecycle/models';
import { ImageDataBunch, URLs, untarData } from '@onecycle/vision-data/node';

await setupBackend();
const data = await ImageDataBunch.fromFolder(await untarData(URLs.MNIST_SAMPLE));
const learn = new Learner(data, simpleCnn([3, 16, 16, 2]), { metrics: [accuracy] });
// #region lr-find
const result = await learn.lrFind(); // startLr 1e-7, endLr 10, numIt 100
console.log(result.suggestedLr); // the valley suggestion
for (const s of result.suggestionList()) console.log(s.name, s.lr, s.description);
writeFileSync('lr_find.svg', result.plot());
// #endregion lr-find
learn.dispose();
