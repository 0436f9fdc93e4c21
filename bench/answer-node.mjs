// answer-node.mjs — what the official JavaScript SDK's path costs on the same answer
//
// Copyright 2026 The Chiaro authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Usage:
//   node answer-node.mjs parse BODY_FILE MODEL ROUNDS
//     Times, in this process and on the bytes of BODY_FILE, (a) the bare path: JSON.parse of
//     the body and Buffer.from(data, 'base64') of the final image, and (b) @google/genai's own
//     response handling: generateContent() with fetch answering the same bytes from memory,
//     then Buffer.from of the image. One warm-up round each, then ROUNDS timed ones. Prints
//     one JSON object: the times of each round in ms and the decoded image's size.
//   node answer-node.mjs generate BASE_URL MODEL PROMPT OUTPUT
//     One generateContent with @google/genai against BASE_URL (a 4K image asked for), and the
//     final image written to OUTPUT, as an application using the SDK would. Prints its size.

import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { GoogleGenAI, Modality } from '@google/genai';

function finalImage(parts) {
  const images = (parts ?? []).filter((part) => part.inlineData && !part.thought);
  return images.length > 0 ? images[images.length - 1].inlineData.data : null;
}

function request(model, prompt) {
  return {
    model,
    contents: prompt,
    config: {
      responseModalities: [Modality.TEXT, Modality.IMAGE],
      imageConfig: { imageSize: '4K' },
    },
  };
}

const [mode, ...args] = process.argv.slice(2);

if (mode === 'parse') {
  const [bodyFile, model, roundsText] = args;
  const rounds = Number(roundsText);
  const body = readFileSync(bodyFile);
  const bare = [];
  const sdk = [];
  let size = 0;

  for (let i = 0; i <= rounds; i++) {
    const start = performance.now();
    const answer = JSON.parse(body.toString('utf8'));
    const image = Buffer.from(finalImage(answer.candidates[0].content.parts), 'base64');
    const elapsed = performance.now() - start;
    size = image.length;
    if (i > 0) bare.push(elapsed);
  }

  // The SDK's own handling of the bytes: its fetch call answered from memory, so what is
  // timed is its reading of the body (Response.json()), its conversion of the answer into a
  // GenerateContentResponse, and the decoding of the image.
  globalThis.fetch = async () => new Response(body, {
    status: 200,
    headers: { 'content-type': 'application/json; charset=UTF-8' },
  });
  const ai = new GoogleGenAI({
    apiKey: 'bench-key',
    httpOptions: { baseUrl: 'http://127.0.0.1:9', apiVersion: 'v1beta' },
  });
  for (let i = 0; i <= rounds; i++) {
    const start = performance.now();
    const answer = await ai.models.generateContent(request(model, 'A lighthouse at dusk'));
    const image = Buffer.from(finalImage(answer.candidates[0].content.parts), 'base64');
    const elapsed = performance.now() - start;
    if (image.length !== size) throw new Error('the SDK decoded another image');
    if (i > 0) sdk.push(elapsed);
  }

  console.log(JSON.stringify({ bare, sdk, size }));
} else if (mode === 'generate') {
  const [baseUrl, model, prompt, output] = args;
  const ai = new GoogleGenAI({
    apiKey: 'bench-key',
    httpOptions: { baseUrl, apiVersion: 'v1beta' },
  });
  const answer = await ai.models.generateContent(request(model, prompt));
  const image = Buffer.from(finalImage(answer.candidates[0].content.parts), 'base64');
  writeFileSync(output, image);
  console.log(JSON.stringify({ size: image.length }));
} else {
  console.error('usage: answer-node.mjs parse BODY MODEL ROUNDS | generate URL MODEL PROMPT OUT');
  process.exit(2);
}
