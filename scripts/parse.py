"""Print the intent the trained model gives each line of stdin (for writing
test stories and checking new phrasings): `python scripts/parse.py < lines.txt`."""
import asyncio
import sys

from rasa.core.agent import load_agent


async def main() -> None:
    agent = await load_agent(model_path=sys.argv[1] if len(sys.argv) > 1 else "models/trialbot.tar.gz")
    for line in sys.stdin:
        text = line.strip()
        if text:
            result = await agent.parse_message(text)
            print(f"{result['intent']['name']:<15} {result['intent']['confidence']:.2f}  {text}")


asyncio.run(main())
