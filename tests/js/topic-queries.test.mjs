// Topic queries on the real catalogs: what a reader would type, and projects that must come up in
// the first results. node --test tests/js/
//
// tests/js/data/*.json are api/items.json of real builds, cut to the fields that search.js and
// filters.js read (id, name, category, subcategory, second_paths, description, keywords, status,
// kind, license, packages, observed {activity, archived, language, license, topics}).
// Regenerate them after a catalog change from:
//   .venv/bin/torchscape build --output-dir OUT --cache-dir CACHE                 (bundled)
//   .venv/bin/torchscape build --data-file ../shared/fixtures/pytorch-landscape/landscape.yml \
//     --settings-file ../shared/fixtures/pytorch-landscape/settings.yml --output-dir OUT --cache-dir CACHE
// then: .venv/bin/python scripts/make_search_test_data.py OUT/api/items.json bundled|fixture
//
// The bundled catalog has keywords; the real PyTorch landscape (the fixture) has none, so there
// only names, descriptions and categories can answer.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { buildIndex, search } from "../../src/torchscape/site/static/search.js";

const realItems = (name) =>
  JSON.parse(readFileSync(new URL(`./data/${name}-items.json`, import.meta.url), "utf8")).items;

/**
 * [query, ids of which at least one must be in the first `within` results, within = 3, known miss]
 * A known miss is a test marked "todo": it runs and reports, and the summary counts it out.
 */
const BUNDLED = [
  ["differential privacy", ["opacus"]],
  ["graph neural networks", ["pytorch-geometric", "dgl"]],
  ["federated", ["flower"]],
  ["object detection", ["detectron2", "mmdetection", "ultralytics"]],
  [
    "quantization",
    [
      ...["torchao", "bitsandbytes", "brevitas", "aimet", "hqq", "gptqmodel", "llm-compressor", "nncf"],
      ...["intel-neural-compressor", "tensorrt-model-optimizer"],
    ],
  ],
  [
    "serving",
    [
      ...["torchserve", "vllm", "kserve", "bentoml", "litserve", "triton-inference-server", "sglang"],
      "text-generation-inference",
    ],
  ],
  ["reinforcement learning", ["torchrl", "stable-baselines3", "cleanrl", "tianshou", "pfrl", "rlinf"], 1],
  ["speech recognition", ["whisper", "espnet", "speechbrain", "nemo"]],
  ["experiment tracking", ["mlflow", "weights-biases", "aim", "clearml", "tensorboard"]],
  ["hyperparameter tuning", ["optuna", "ax", "nevergrad", "botorch"]],
  [
    "medical imaging",
    ["monai", "torchio", "fusemedml", "clinica-dl", "gandlf", "torchxrayvision", "nnu-net"],
  ],
  ["time series forecasting", ["pytorch-forecasting", "darts", "neuralforecast", "chronos", "gluonts"]],
  ["gnn", ["pytorch-geometric", "dgl"]],
  ["nlp", ["transformers", "flair", "allennlp", "stanza", "torchtext", "pytorch-nlp"]],
  ["interpretability", ["captum", "transformerlens", "pytorch-grad-cam"]],
  ["gaussian processes", ["gpytorch"]],
  ["lora fine-tuning", ["peft", "torchtune", "unsloth", "axolotl", "llama-factory", "litgpt"]],
  ["data loading", ["torchdata", "webdataset", "ffcv", "nvidia-dali", "hugging-face-datasets"]],
  [
    "distributed training",
    ["deepspeed", "fairscale", "accelerate", "colossal-ai", "torchtitan", "megatron-lm", "horovod"],
  ],
  ["adversarial attacks", ["torchattacks", "foolbox", "advertorch", "adversarial-robustness-toolbox"]],
  ["protein structure", ["openfold", "boltz", "esm"]],
  ["text to speech", ["coqui-tts"]],
  ["diffusion models", ["diffusers", "denoising-diffusion-pytorch", "k-diffusion"]],
  ["kubernetes", ["kserve", "kubeflow-trainer", "kubetorch", "polyaxon"]],
  ["3d reconstruction", ["pytorch3d", "nerfstudio", "kaolin"]],
  ["bayesian optimization", ["botorch", "ax"]],
  ["satellite imagery", ["torchgeo", "raster-vision", "terratorch"]],
  ["kv cache", ["vllm", "lmcache", "flashinfer", "mooncake"]],
  ["molecular dynamics", ["torchmd-net", "schnetpack", "torchani", "mace"]],
  ["ocr", ["easyocr", "doctr", "mmocr"]],
  ["optical character recognition", ["easyocr", "doctr", "mmocr"]],
  ["automatic differentiation", ["pytorch", "torchopt", "higher"]],
  ["explainability", ["captum", "pytorch-grad-cam"]],
  ["robotics", ["lerobot", "pypose", "theseus"]],
  ["embeddings", ["sentence-transformers"]],
  ["eeg", ["braindecode"]],
  ["normalizing flows", ["zuko", "pyro"]],
  ["meta learning", ["learn2learn", "higher", "torchopt"]],
  ["out-of-distribution detection", ["pytorch-ood"]],
  ["conformal prediction", ["torchcp"]],
  ["pose estimation", ["mmpose", "ultralytics"]],
  ["music source separation", ["demucs"]],
  ["super resolution", ["basicsr", "mmagic"]],
  ["face recognition", ["facenet-pytorch"]],
  ["audio augmentation", ["torch-audiomentations"]],
  ["sparse convolution", ["torchsparse", "minkowskiengine"]],
  ["multi-object tracking", ["boxmot"]],
  ["data augmentation", ["albumentations", "torchio", "kornia", "torch-audiomentations", "nvidia-dali"]],
  // Other forms of a word than the catalog's ("quantizer" where items say "quantization").
  ["quantizer", ["torchao", "bitsandbytes", "brevitas", "aimet", "hqq", "gptqmodel", "nncf"]],
  ["interpretable models", ["captum", "transformerlens", "pytorch-grad-cam", "nnsight"]],
  ["forecaster", ["pytorch-forecasting", "darts", "neuralforecast", "gluonts"]],
  ["compilation", ["tvm", "glow", "hidet", "lightning-thunder", "torch-mlir"]],
  // Acronyms the catalog's keywords spell out ("cv" beside "computer vision", and so on).
  ["cv", ["torchvision", "kornia", "albumentations", "openmmlab"]],
  ["rag", ["sentence-transformers"]],
  ["xai", ["captum", "pytorch-grad-cam"]],
  ["moe", ["megatron-lm", "ktransformers", "deepspeed"]],
  ["retrieval augmented generation", ["sentence-transformers"]],
  ["mlops", ["mlflow", "clearml", "zenml", "polyaxon", "kubeflow-trainer", "determined"]],
  ["cuda kernels", ["flashattention", "triton", "liger-kernel", "flashinfer", "xformers", "helion"]],
  ["deployment", ["lmdeploy", "torchserve", "bentoml", "kserve", "modal"]],
  ["pytorh lightn", ["pytorch-lightning"], 1],
  ["diff priv", ["opacus"], 1],
];

const FIXTURE = [
  ["differential privacy", ["opacus"]],
  ["graph neural networks", ["pytorch-geometric", "dgl"]],
  ["gnn", ["pytorch-geometric", "dgl"]], // never written as such here: read as the phrase
  ["federated", ["flower"]],
  ["object detection", ["detectron2"]],
  ["quantization", ["torchao"]],
  ["serving", ["torchserve", "vllm", "sglang", "litserve", "lmcache", "mooncake"]],
  ["reinforcement learning", ["torchrl", "stable-baselines3", "pfrl", "rlinf"]],
  ["medical imaging", ["monai", "torchio", "clinica-dl"]],
  ["hyperparameter optimization", ["optuna"]],
  ["gaussian process", ["gpytorch"]],
  ["knowledge distillation", ["textbrewer", "torchdistill"]],
  ["nlp", ["allennlp", "flair", "pytorch-nlp"]],
  ["natural language processing", ["allennlp", "flair", "pytorch-nlp"]],
  ["interpretability", ["captum"]],
  // The fixture files Kubeflow Trainer, AReaL and verl under Training › Distributed: both words
  // match their category names. The descriptions of projects about it say more.
  ["distributed training", ["deepspeed", "colossalai", "fairscale", "horovod", "accelerate"]],
  ["self-supervised", ["lightly", "vissl"]],
  ["kubernetes", ["kubetorch", "kubeflow-trainer"]],
  ["time series", ["pypots"]],
  ["audio", ["torchaudio"]],
  ["recommendation", ["torchrec"]],
  ["llm serving", ["vllm", "sglang", "lmcache", "mooncake"]],
  ["computer vision", ["torchvision", "kornia"]],
  ["probabilistic programming", ["pyro"]],
  ["continual learning", ["avalanche", "renate"]],
  ["style transfer", ["pystiche"]],
  ["pathology", ["tiatoolbox"]],
  ["energy", ["zeus"]],
  ["3d", ["pytorch3d", "pytorch-points3d"]],
  ["quantum", ["pennylane", "torchquantum"]],
  ["ocr", ["doctr"]],
  ["autonomous driving", ["l5kit"]],
  ["robotics", ["pypose"]],
  ["recommender", ["torchrec"]],
  ["compilation", ["glow", "depyf", "torch-tensorrt", "flaggems"]],
  ["segmenter", ["detectron2", "gandlf", "raster-vision"]],
  // Member organisations' long texts mention these words too; the project comes first.
  ["recommender systems", ["torchrec"], 1],
  ["healthcare", ["monai"], 1],
  ["monitoring", ["torchdrift"], 1],
  ["pytorh lightn", ["pytorch-lightning"], 1],
  ["diff priv", ["opacus"], 1],
  // acronyms each spelt out once, in one description: NeMo's "Automatic Speech Recognition",
  // JoeyNMT's "neural machine translation", pomegranate's "hidden Markov models"
  ["asr", ["nemo", "torchaudio"]],
  ["nmt", ["joeynmt"]],
  ["hmm", ["pomegranate"]],
];

for (const [name, queries] of [
  ["bundled", BUNDLED],
  ["fixture", FIXTURE],
]) {
  describe(`topic queries on the ${name} catalog`, () => {
    const items = realItems(name);
    const index = buildIndex(items);
    const known = new Set(items.map((entry) => entry.id));
    const held = [];

    for (const [query, expected, within = 3, todo = false] of queries) {
      const which = `${expected.length > 1 ? "one of " : ""}${expected.join(", ")}`;
      const title = `"${query}": ${which} in the first ${within}`;
      test(title, { todo }, () => {
        for (const id of expected) assert.ok(known.has(id), `${id} is not in the ${name} catalog`);
        const top = search(index, query)
          .slice(0, within)
          .map((hit) => hit.id);
        assert.ok(
          top.some((id) => expected.includes(id)),
          `first ${within}: ${top.join(", ") || "(nothing)"}`,
        );
        held.push(query);
      });
    }

    test(`summary: every topic query but the known misses holds on the ${name} catalog`, (t) => {
      const misses = queries.filter((entry) => entry[3]).length;
      const score = `${held.length} of ${queries.length} topic queries hold`;
      t.diagnostic(`${name}: ${score} (${misses} known misses)`);
      assert.ok(held.length >= queries.length - misses);
    });
  });
}
