// The captcha room: a CRNN-CTC model in ONNX, run in a worker thread; hard ones to the operator.
export {
  CaptchaService,
  findModels,
  workerScriptPath,
  type CaptchaReading,
  type CaptchaStatus,
} from './captcha-service';
export { ModelCaptchaSolver } from './model-solver';
export { loadModelCard, type ModelCard } from './model-card';
export { greedyDecode } from './ctc-decode';
export { decodeImage } from './image-decode';
export { greyResize, normalise, INPUT_HEIGHT, INPUT_WIDTH } from './image-preprocess';
