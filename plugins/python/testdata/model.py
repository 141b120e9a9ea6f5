"""Test double: a Python model that echoes its prompts' text."""

import harness_plugin as hp


class Echo:
    def describe(self):
        return hp.Info(name="py-model", version="0.1.0")

    def generate(self, checkpoint, prompts, params):
        for p in prompts:
            text = "".join(part.text for part in p.parts)
            for s in range(max(params.n, 1)):
                yield hp.Generation(prompt_id=p.id, sample=s, text="echo: " + text, tokens=2,
                                    truncated=params.max_tokens == 1)


if __name__ == "__main__":
    hp.serve(Echo())
