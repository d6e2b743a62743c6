-- As Coder does, the custom notification's message is the sender's own Markdown (links work): the triple braces
-- leave it unescaped. It stays safe: Markdown's HTML output escapes raw HTML and drops unsafe link schemes. Labels
-- of every other template, and the custom title (a single line, the email's subject), stay escaped.
UPDATE notification_templates
SET body_template = '{{{labels.custom_message}}}'
WHERE id = '39b1e189-c857-4b0c-877a-511144c18516';
