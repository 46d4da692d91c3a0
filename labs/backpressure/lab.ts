import { defineLab } from '../../src/lab/types.js';

export default defineLab({
  id: 'backpressure',
  title: 'Backpressure: a fast writer, a slow reader',
  summary: "write() returning false, 'drain', writableLength, pause/resume and pipeline(): the buffer between a fast writer and a slow reader",
  order: 15,
  exports: ['createFirehose'],
  scenarios: {
    polite: {
      title: 'placeholder',
      async run() {
        return {};
      },
    },
  },
});
