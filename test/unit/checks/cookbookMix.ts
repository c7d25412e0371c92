// The numbers the OpenAI cookbook notebook's format-check cell prints for fixtures/checks/cookbook-mix.jsonl.
export const NOTEBOOK_COUNTS_OF_MIX = {
  data_type: 1,
  missing_messages_list: 2,
  message_missing_key: 1,
  message_unrecognized_key: 2,
  unrecognized_role: 2,
  missing_content: 4,
  example_missing_assistant_message: 1,
};
