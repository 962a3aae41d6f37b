// Endpoints people commonly use, as presets of this machine's base URL. A preset fills the base URL
// only: the model is the draft rulebook's (it travels to production), so a preset names a typical
// one and the person picks it in Rulebook › Model.

export interface EndpointPreset {
  id: string;
  label: string;
  baseURL: string;
  /** A model this kind of server typically serves (a hint; set in Rulebook › Model). */
  typicalModel: string | null;
  /** What else to know, in a sentence. */
  note: string;
}

/** The part of the Azure URL the person must replace. */
export const AZURE_RESOURCE = '<resource>';

export const ENDPOINT_PRESETS: readonly EndpointPreset[] = [
  { id: 'openai', label: 'OpenAI', baseURL: 'https://api.openai.com/v1', typicalModel: 'gpt-4o-mini', note: 'Needs an API key (below).' },
  {
    id: 'azure',
    label: 'Azure OpenAI',
    baseURL: `https://${AZURE_RESOURCE}.openai.azure.com/openai/v1`,
    typicalModel: null,
    note: `Replace ${AZURE_RESOURCE} with your Azure OpenAI resource's name. The model is your deployment's name. Needs the resource's API key.`,
  },
  { id: 'ollama', label: 'Ollama', baseURL: 'http://localhost:11434/v1', typicalModel: 'llama3.1', note: 'No key needed. The model is one you pulled (ollama list).' },
  { id: 'vllm', label: 'vLLM', baseURL: 'http://localhost:8000/v1', typicalModel: null, note: 'No key unless the server was started with --api-key. The model is the one it serves (its --model).' },
  { id: 'llamacpp', label: 'llama.cpp server', baseURL: 'http://localhost:8080/v1', typicalModel: null, note: 'No key needed. It serves the one model it was started with, under any name.' },
];

/** Whether a base URL still holds a preset's placeholder. */
export const hasPlaceholder = (baseURL: string): boolean => baseURL.includes(AZURE_RESOURCE);
