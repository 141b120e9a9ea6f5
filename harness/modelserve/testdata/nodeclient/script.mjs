// The official openai npm package against harness model serve.
// Usage: node script.mjs BASE_URL IMAGE_DATA_URL
// Prints one JSON line per case; the Go test TestOpenAINodeSDK checks them.
import OpenAI from "openai";

const [baseURL, imageURL] = process.argv.slice(2);
if (!baseURL || !imageURL) {
  console.error("usage: node script.mjs BASE_URL IMAGE_DATA_URL");
  process.exit(2);
}
const client = new OpenAI({ baseURL, apiKey: "unused", maxRetries: 0, timeout: 30000 });
const model = "test-model";
const out = (name, value) => console.log(JSON.stringify({ case: name, ...value }));

const models = await client.models.list();
out("models", { ids: models.data.map((m) => m.id) });

const text = await client.chat.completions.create({
  model,
  temperature: 0,
  messages: [{ role: "system", content: "be brief" }, { role: "user", content: "How many squares?" }],
});
out("text", { content: text.choices[0].message.content, finish: text.choices[0].finish_reason, usage: text.usage });

const image = await client.chat.completions.create({
  model,
  temperature: 0,
  messages: [{ role: "user", content: [
    { type: "image_url", image_url: { url: imageURL } },
    { type: "text", text: "Count the squares." },
  ] }],
});
out("image", { content: image.choices[0].message.content });

const several = await client.chat.completions.create({
  model,
  n: 3,
  seed: 7,
  temperature: 0.7,
  max_completion_tokens: 4,
  stop: ["never"],
  messages: [{ role: "user", content: "count" }],
});
out("n", { choices: several.choices.map((c) => ({ index: c.index, content: c.message.content, finish: c.finish_reason })) });

const stream = await client.chat.completions.create({
  model,
  n: 2,
  temperature: 0,
  stream: true,
  stream_options: { include_usage: true },
  messages: [{ role: "user", content: "stream me" }],
});
const streamed = ["", ""];
const finishes = [null, null];
let chunks = 0;
let usage = null;
for await (const chunk of stream) {
  chunks++;
  for (const c of chunk.choices) {
    streamed[c.index] += c.delta?.content ?? "";
    if (c.finish_reason) finishes[c.index] = c.finish_reason;
  }
  if (chunk.usage) usage = chunk.usage;
}
out("stream", { chunks, content: streamed, finish: finishes, usage });

try {
  await client.chat.completions.create({
    model,
    messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "data:image/png;base64,aGVsbG8=" } }] }],
  });
  out("bad", { error: null });
} catch (e) {
  out("bad", { status: e.status, message: e.error?.message ?? e.message, param: e.param ?? null, type: e.type ?? null });
}
