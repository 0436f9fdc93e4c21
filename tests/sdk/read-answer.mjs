// read-answer.mjs — what Google's JavaScript SDK reads from one generateContent answer
//
// Copyright 2026 The Chiaro authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Usage: node read-answer.mjs BASE_URL MODEL PROMPT OUTPUT_PREFIX
// Writes each non-thought image to OUTPUT_PREFIX-N and prints one JSON object: the image
// files, the text parts, the finish and block reasons, or the error the SDK raised.

import { writeFileSync } from 'node:fs';
import { GoogleGenAI, Modality } from '@google/genai';

const [baseUrl, model, prompt, outputPrefix] = process.argv.slice(2);
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
      .map((part, index) => {
        const path = `${outputPrefix}-${index + 1}`;
        writeFileSync(path, Buffer.from(part.inlineData.data, 'base64'));
        return path;
      }),
    text: parts.filter((part) => typeof part.text === 'string' && !part.thought).map((part) => part.text),
    finishReason: candidate?.finishReason ?? null,
    blockReason: answer.promptFeedback?.blockReason ?? null,
  };
} catch (error) {
  report = { error: { status: error.status ?? null, message: String(error.message) } };
}
console.log(JSON.stringify(report));
