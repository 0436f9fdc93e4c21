// read-answer.mjs — what Google's JavaScript SDK reads from one generateContent answer
//
// Copyright 2026 The Chiaro authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Usage: node read-answer.mjs BASE_URL MODEL PROMPT
// Prints one JSON object: the SHA-256 of each non-thought image, the text parts, the finish
// and block reasons, or the error the SDK raised.

import { createHash } from 'node:crypto';
import { GoogleGenAI, Modality } from '@google/genai';

const [baseUrl, model, prompt] = process.argv.slice(2);
const ai = new GoogleGenAI({
  apiKey: 'sdk-test-key',
  httpOptions: { baseUrl, apiVersion: 'v1beta' },
});

let report;
try {
  const answer = await ai.models.generateContent({
    model,
    contents: prompt,
    config: { responseModalities: [Modality.TEXT, Modality.IMAGE] },
  });
  const candidate = (answer.candidates ?? [])[0];
  const parts = candidate?.content?.parts ?? [];
  report = {
    images: parts
      .filter((part) => part.inlineData && !part.thought)
      .map((part) => createHash('sha256').update(Buffer.from(part.inlineData.data, 'base64')).digest('hex')),
    text: parts.filter((part) => typeof part.text === 'string' && !part.thought).map((part) => part.text),
    finishReason: candidate?.finishReason ?? null,
    blockReason: answer.promptFeedback?.blockReason ?? null,
  };
} catch (error) {
  report = { error: { status: error.status ?? null, message: String(error.message) } };
}
console.log(JSON.stringify(report));
